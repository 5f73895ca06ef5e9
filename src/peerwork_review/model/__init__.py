"""Stage 2: the validated dataset as a :class:`~peerwork_review.model.review.Review` of pandas tables, and its views."""
