#!/bin/sh
# A shell pipeline: every product event, live, as "seq<TAB>type<TAB>summary".
# newswire-sub writes JSON lines when its output is a pipe; jq picks fields.
#   examples/sub-jq.sh                     # all product.* events
#   examples/sub-jq.sh --entity alibaba --related --since 0
set -eu
newswire-sub --type product. "$@" |
	jq --unbuffered -r '[.seq, .type, .modality, .summary] | @tsv'
