"""Slack adapter: slack-bolt's AsyncApp translating Slack payloads to and from the core.

``adapter`` wiring, listeners and lifecycle · ``inbound`` payload → core event ·
``commands`` slash commands and roles · ``outbox`` core message → Web API calls ·
``render`` / ``modals`` pure Block Kit · ``client`` retries and ``DeliveryFailed`` ·
``cache`` a bounded LRU · ``settings`` environment.
"""
