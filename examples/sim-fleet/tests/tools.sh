#!/bin/sh
/opt/tools/hello
