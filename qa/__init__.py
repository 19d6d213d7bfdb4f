"""The answer engine: question → Answer with exact, verified, cited figures."""
