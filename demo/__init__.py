"""The demo campaign that `make run` seeds (`manage.py seed_demo`): a world with kingdoms,
settlements, characters, events and rules, built through the actions of every app."""
