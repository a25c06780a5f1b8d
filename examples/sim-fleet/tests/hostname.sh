#!/bin/sh
test -n "$(hostname)"
