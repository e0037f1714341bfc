"""Data of the refusal detector: cue patterns, model weights and the script that trains them."""
