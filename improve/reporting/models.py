"""The reporting room's models: highlight reports and board packs."""
