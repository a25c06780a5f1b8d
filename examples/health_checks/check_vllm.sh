#!/bin/sh
# Health check: vLLM's OpenAI-compatible API lists its models. Arguments: --port N (default 8000).
port=8000
[ "${1:-}" = "--port" ] && port=$2
curl -fsS "http://127.0.0.1:$port/v1/models" >/dev/null || { echo "no answer from vLLM on port $port"; exit 1; }
