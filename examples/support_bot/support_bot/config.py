"""Settings of the bot. The model names are read here and imported everywhere else."""

import os

DEFAULT_MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"
CHAT_MODEL = os.getenv("SUPPORT_BOT_MODEL", "gpt-4o")
MAX_ANSWER_TOKENS = 512
