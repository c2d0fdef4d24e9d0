"""Stay on topic: earlier threads for a new question.

    index.py    the question index (pure: texts in, ids and scores out)
    service.py  SuggestionService: recording, looking up, suggesting, the buttons
"""
from bot.services.suggestions.service import SuggestionService, tuned_threshold

__all__ = ["SuggestionService", "tuned_threshold"]
