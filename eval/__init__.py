"""The eval set and its runner (`python -m eval`).

``questions.jsonl`` holds the questions with gold answers read from the disclosures;
``python -m eval`` ingests the seed and the fixture disclosures into a private state dir, asks the
same ``AnswerEngine`` the app uses, scores every answer, measures retrieval per leg, runs a
naive llama-index baseline next to it, writes a report to ``reports/`` and fails when a metric
drops below ``thresholds.toml``.
"""
