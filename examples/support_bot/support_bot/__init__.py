"""support_bot: answers customer questions from the help-centre articles."""
