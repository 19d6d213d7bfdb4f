"""The public web chat: handlers (``web.handlers``), rendering of answers (``web.render``), the
budget-at-a-glance charts and table browser (``web.charts``) and the look (``web.theme``).

``app.py`` only wires these into Gradio. Nothing here reaches the network: analytics and
telemetry are off and model hubs are never asked (set before gradio or chromadb is imported).
"""

from __future__ import annotations

import os

for _name, _value in {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_name, _value)
