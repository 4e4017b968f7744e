#!/bin/sh
# A command that is on PATH but not installed, as a pyenv shim answers: "pyenv: moto_server: command not found".
echo "pyenv: moto_server: command not found" >&2
exit 127
