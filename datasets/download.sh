# Sourced by datasets/fetch-*.sh: one download that an interruption cannot leave looking finished.

fetch() {   # URL FILE: skipped when FILE exists; else downloaded to FILE.partial and renamed when complete
  local url=$1 file=$2
  if [[ -s "$file" ]]; then echo "have   $file"; return; fi
  mkdir -p "$(dirname "$file")"
  echo "fetch  $url"
  curl --fail --location --retry 5 --retry-delay 2 --silent --show-error -o "$file.partial" "$url"
  mv "$file.partial" "$file"
}
