"""Spike alerts: rules (alerts.toml), the spike test, the reasons an alert gives, delivery, the check."""
