"""What every layer may use: errors, settings, ids, clock, fixture loading; imports nothing above it."""
