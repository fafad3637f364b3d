"""Forms and pop-ups: originate, profile, alerts, shortcuts, variables, field prompts."""
