"""Clients for the services this one calls."""
