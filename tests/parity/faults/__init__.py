"""Scripted fault-injection server for the replay tests."""
