"""Quality (质检): recordings of answered calls, scoring them against templates, and the
agent's view of and appeal against his scores."""
