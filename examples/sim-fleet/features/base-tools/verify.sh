#!/bin/sh
/opt/tools/hello | grep -q 'tools ok'
