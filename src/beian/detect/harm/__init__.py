"""The harm model: is this text harmful (calibrated), and which of the 31 risks (attribution)."""
