#!/bin/sh
# Application script of the vLLM containers: a systemd unit serving the model named in this container's
# vllm_* keys with the vllm feature's /opt/vllm. Arguments: $1 = CTID; $PHX_CONFIG_FILE = the pushed config.
set -eu
ctid=$1
get() { jq -r --arg id "$ctid" ".lxc_configs[\$id].$1 // empty" "$PHX_CONFIG_FILE"; }
model=$(get vllm_model)
test -n "$model" || { echo "container $ctid has no vllm_model" >&2; exit 2; }
port=$(get vllm_port)
name=$(get vllm_served_model_name)
args=$(jq -r --arg id "$ctid" '(.lxc_configs[$id].vllm_args // []) | join(" ")' "$PHX_CONFIG_FILE")
cat > /etc/systemd/system/vllm.service <<UNIT
[Unit]
Description=vLLM serving $model
After=network-online.target

[Service]
ExecStart=/opt/vllm/bin/vllm serve $model --host 0.0.0.0 --port ${port:-8000} ${name:+--served-model-name $name} $args
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now vllm.service
echo "vllm.service serves $model on port ${port:-8000}"
