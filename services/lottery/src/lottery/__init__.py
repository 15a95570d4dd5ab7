"""The lottery service: the applicants' lottery, the register draw, and seats over time."""
