"""What every layer may use: errors, settings, ids, the clock and fixture loading; imports nothing above it."""
