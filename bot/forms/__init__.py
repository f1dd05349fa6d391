"""The Google Forms channel: the Sheets client, response rows, intake, the poll, coordinator tabs."""
