#!/usr/bin/env bash
# Fetch the front-end packages (npm, pinned by package-lock.json) and copy the compiled GOV.UK
# Frontend and MoJ Frontend files into static/vendor. Idempotent; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=static/vendor/.stamp
if [[ -f $stamp && $stamp -nt package-lock.json && -d node_modules/govuk-frontend ]]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
NM=node_modules
A=static/vendor
rm -rf "$A" && mkdir -p "$A/govuk" "$A/moj"
cp $NM/govuk-frontend/dist/govuk/govuk-frontend.min.{css,js}{,.map} "$A/govuk/"
cp -r $NM/govuk-frontend/dist/govuk/assets "$A/govuk/"
cp $NM/@ministryofjustice/frontend/moj/moj-frontend.min.{css,js}{,.map} "$A/moj/"
cp -r $NM/@ministryofjustice/frontend/moj/assets "$A/moj/"
sed -i 's#url(/assets/#url(assets/#g' "$A/govuk/govuk-frontend.min.css" "$A/moj/moj-frontend.min.css"
touch "$stamp"
