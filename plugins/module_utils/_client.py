# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: the one authenticated client for the Enclave management API.

Every module and the inventory plugin send their requests through EnclaveClient. It owns the
requests.Session, the bearer token, the User-Agent, organisation selection, pagination and the
translation of failures into EnclaveError.
"""

from __future__ import annotations

import os
import platform
import re
import traceback
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

from ._errors import EnclaveError, ProblemDetailsError
from ._version import COLLECTION_NAME, COLLECTION_VERSION

try:
    import requests

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

try:
    from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION
except ImportError:
    ANSIBLE_CORE_VERSION = "unknown"

DEFAULT_API_URL = "https://api.enclave.io"
DEFAULT_TIMEOUT = 30

# The API serves at most 200 items a page.
MAX_PAGE_SIZE = 200
# Upper bound of fetch_all's worker threads, and so of the connections the session keeps open to the API.
# Cloudflare limits the API to 1200 requests in 300 seconds, so more would only reach that limit sooner.
MAX_PAGE_WORKERS = 16

# Organisation ids are GUIDs that the API writes as 32 lower-case hex digits without hyphens.
_ORG_ID = re.compile(r"^[0-9a-f]{32}$")
# Tokens are sent in an HTTP header, which cannot carry whitespace or control characters.
_TOKEN = re.compile(r"^[\x21-\x7e]+$")


def user_agent():
    """Return the User-Agent sent with every request; the API rejects requests without one."""
    return "{0}/{1} ansible-core/{2} python/{3}".format(
        COLLECTION_NAME, COLLECTION_VERSION, ANSIBLE_CORE_VERSION, platform.python_version()
    )


def normalise_organisation_id(value):
    """Return an organisation id in the API's form, accepting the hyphenated GUID form too."""
    normalised = value.strip().replace("-", "").lower()
    if not _ORG_ID.fullmatch(normalised):
        raise EnclaveError(
            "organisation_id '{0}' is invalid: expected 32 hexadecimal digits, "
            "such as 33a606d6b09c4557a01c62cd4c0b405b.".format(value)
        )
    return normalised


def normalise_api_url(value):
    """Return the API base URL without a trailing slash, or raise EnclaveError for an unusable value."""
    url = (value or DEFAULT_API_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EnclaveError(
            "api_url '{0}' is invalid: expected an http or https URL such as {1}.".format(value, DEFAULT_API_URL)
        )
    if parts.query or parts.fragment:
        raise EnclaveError("api_url '{0}' is invalid: remove the query string and fragment.".format(value))
    return url


class EnclaveClient:
    """An authenticated session against one Enclave API and organisation.

    organisation_id may be left out: the client then reads /account/orgs on first use and picks
    the only organisation the token can reach.
    """

    def __init__(
        self,
        api_token,
        api_url=None,
        organisation_id=None,
        validate_certs=True,
        ca_path=None,
        timeout=DEFAULT_TIMEOUT,
    ):
        if not HAS_REQUESTS:
            raise EnclaveError("The Python package 'requests' is required to talk to the Enclave API.")
        if not api_token:
            raise EnclaveError(
                "No API token: set api_token, or the ENCLAVE_TOKEN or ENCLAVE_API_KEY environment variable, "
                "to a personal access token from the Enclave portal."
            )
        if not _TOKEN.fullmatch(api_token):
            raise EnclaveError(
                "api_token is invalid: it contains whitespace or control characters. "
                "Copy the personal access token again without line breaks or spaces."
            )
        if timeout is None or timeout <= 0:
            raise EnclaveError("timeout '{0}' is invalid: expected a number of seconds above 0.".format(timeout))
        if ca_path and not os.path.exists(ca_path):
            raise EnclaveError("ca_path '{0}' does not exist: give a CA bundle file or directory.".format(ca_path))

        self.api_url = normalise_api_url(api_url)
        self.timeout = timeout
        self._token = api_token
        self._organisation_id = normalise_organisation_id(organisation_id) if organisation_id else None

        self._session = requests.Session()
        self._session.headers.update(
            {
                "Authorization": "Bearer " + api_token,
                "User-Agent": user_agent(),
                "Accept": "application/json",
            }
        )
        # The default adapter keeps 10 connections per host and discards the rest, so fetch_all's
        # workers would open a new connection per page beyond that; keep one per worker instead.
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=MAX_PAGE_WORKERS)
        self._session.mount(self.api_url + "/", adapter)
        if not validate_certs:
            self._session.verify = False
        elif ca_path:
            self._session.verify = ca_path

    @property
    def organisation_id(self):
        """The organisation every /org/ path refers to, selected from /account/orgs when not given."""
        if self._organisation_id is None:
            self._organisation_id = self._select_organisation()
        return self._organisation_id

    def list_organisations(self):
        """Return the organisations the token can reach, as the API lists them."""
        body = self.get("/account/orgs")
        if not isinstance(body, dict) or not isinstance(body.get("orgs"), list):
            raise EnclaveError("GET /account/orgs returned an unexpected body: expected an object with 'orgs'.")
        return body["orgs"]

    def _select_organisation(self):
        orgs = self.list_organisations()
        if len(orgs) == 1:
            return normalise_organisation_id(str(orgs[0].get("orgId", "")))
        if not orgs:
            raise EnclaveError(
                "The API token can reach no organisation. Use a token of an account that belongs to one."
            )
        names = ", ".join("{0} ({1})".format(org.get("orgName"), org.get("orgId")) for org in orgs)
        raise EnclaveError(
            "The API token can reach {0} organisations: {1}. Set organisation_id (or the ENCLAVE_ORG_ID "
            "environment variable) to one of these ids.".format(len(orgs), names)
        )

    def org_path(self, *segments):
        """Return the path of segments under the selected organisation, each segment URL-quoted."""
        path = "/org/" + self.organisation_id
        for segment in segments:
            path += "/" + quote(str(segment), safe="")
        return path

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def post(self, path, body=None):
        return self.request("POST", path, body=body)

    def put(self, path, body=None):
        return self.request("PUT", path, body=body)

    def patch(self, path, body=None):
        return self.request("PATCH", path, body=body)

    def delete(self, path, body=None):
        """Send DELETE, with a JSON body for the bulk routes that take a list of ids."""
        return self.request("DELETE", path, body=body)

    def request(self, method, path, params=None, body=None):
        """Send one request and return its decoded JSON body, or None for an empty body.

        Raises ProblemDetailsError for an HTTP error status and EnclaveError for a transport failure
        or a success response whose body is not JSON.
        """
        url = self.api_url + path
        kwargs = {"params": params, "timeout": self.timeout}
        if body is not None:
            # json= sets Content-Type: application/json, for DELETE bodies too.
            kwargs["json"] = body
        try:
            response = self._session.request(method, url, **kwargs)
        except requests.exceptions.SSLError as error:
            raise EnclaveError(
                self._redact(
                    "{0} {1} failed: TLS verification of {2} failed ({3}). Give the CA bundle in ca_path, "
                    "or set validate_certs to false for a test server.".format(method, path, self.api_url, error)
                ),
                method=method,
                path=path,
            ) from None
        except requests.exceptions.Timeout:
            raise EnclaveError(
                "{0} {1} timed out after {2} seconds; raise timeout or check the network to {3}.".format(
                    method, path, self.timeout, self.api_url
                ),
                method=method,
                path=path,
            ) from None
        except requests.exceptions.RequestException as error:
            raise EnclaveError(
                self._redact(
                    "{0} {1} failed: could not reach {2} ({3}).".format(
                        method, path, self.api_url, type(error).__name__ + ": " + str(error)
                    )
                ),
                method=method,
                path=path,
            ) from None
        return self._decode(method, path, response)

    def _decode(self, method, path, response):
        if response.status_code >= 400:
            raise ProblemDetailsError.from_response(
                method, path, response.status_code, response.headers.get("Content-Type"), self._redact(response.text)
            )
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise EnclaveError(
                self._redact(
                    "{0} {1} returned HTTP {2} with a body that is not JSON: {3}".format(
                        method, path, response.status_code, response.text[:200]
                    )
                ),
                method=method,
                path=path,
            ) from None

    def paginate(self, path, params=None, per_page=MAX_PAGE_SIZE):
        """Yield every item of a paginated list, following metadata.nextPage from page 0.

        Raises EnclaveError when the server points back to a page already read or past its own
        lastPage, because following it would loop forever.
        """
        page = 0
        seen = set()
        while True:
            query = dict(params or {})
            query.update({"page": page, "per_page": per_page})
            body = self.get(path, params=query)
            items, metadata = _page_parts(path, body)
            yield from items

            seen.add(page)
            next_page = metadata.get("nextPage")
            if next_page is None:
                return
            last_page = metadata.get("lastPage")
            if (
                not isinstance(next_page, int)
                or next_page in seen
                or next_page < 0
                or (isinstance(last_page, int) and next_page > last_page)
            ):
                raise EnclaveError(
                    "GET {0} returned nextPage {1!r} after page {2} (lastPage {3!r}); stopped to avoid "
                    "reading pages forever.".format(path, next_page, page, last_page),
                    method="GET",
                    path=path,
                )
            page = next_page

    def fetch_all(self, path, params=None, workers=1, per_page=MAX_PAGE_SIZE):
        """Return every item of a paginated list in page order, reading pages after the first concurrently.

        Page 0 gives metadata.lastPage; pages 1 to lastPage are then read by up to ``workers`` threads
        that share this client's session. A request fails the whole call with its EnclaveError. When
        the last page still names a nextPage, because the list grew while it was read, the remaining
        pages are followed one by one as paginate does.
        NOTE: the API pages by offset, so a system enrolled or revoked during the read can shift items
        between pages; callers that need unique items must drop repeats themselves.
        """
        if not isinstance(workers, int) or isinstance(workers, bool) or not 1 <= workers <= MAX_PAGE_WORKERS:
            raise EnclaveError(
                "Page worker count {0!r} is invalid: expected a whole number from 1 to {1}.".format(
                    workers, MAX_PAGE_WORKERS
                )
            )

        def read_page(number):
            query = dict(params or {})
            query.update({"page": number, "per_page": per_page})
            return _page_parts(path, self.get(path, params=query))

        items, metadata = read_page(0)
        items = list(items)
        last_page = metadata.get("lastPage")
        if metadata.get("nextPage") is None:
            return items
        if not isinstance(last_page, int) or isinstance(last_page, bool) or last_page < 1:
            # Without a usable lastPage the page count is unknown: walk nextPage from page 0 instead.
            return list(self.paginate(path, params, per_page))

        numbers = range(1, last_page + 1)
        pages = self._read_pages(read_page, numbers, workers)
        for page_items, _page_metadata in pages:
            items.extend(page_items)

        next_page = pages[-1][1].get("nextPage")
        seen = set(range(last_page + 1))
        page = last_page
        while next_page is not None:
            if not isinstance(next_page, int) or next_page in seen or next_page < 0:
                raise EnclaveError(
                    "GET {0} returned nextPage {1!r} after page {2}; stopped to avoid reading pages forever.".format(
                        path, next_page, page
                    ),
                    method="GET",
                    path=path,
                )
            seen.add(next_page)
            page = next_page
            page_items, metadata = read_page(page)
            items.extend(page_items)
            next_page = metadata.get("nextPage")
        return items

    @staticmethod
    def _read_pages(read_page, numbers, workers):
        """Call read_page for each number on up to ``workers`` threads; return the results in number order."""
        if workers == 1 or len(numbers) == 1:
            return [read_page(number) for number in numbers]
        # requests documents no thread-safety guarantee for Session. Sharing one is safe here because
        # nothing changes its headers, cookies or adapters while the workers run, and urllib3's
        # connection pool hands each thread its own connection.
        executor = ThreadPoolExecutor(max_workers=min(workers, len(numbers)), thread_name_prefix="enclave-page")
        futures = [executor.submit(read_page, number) for number in numbers]
        try:
            return [future.result() for future in futures]
        except BaseException:
            # Pages not started yet are dropped; the first failure is raised once the running ones end.
            for future in futures:
                future.cancel()
            raise
        finally:
            executor.shutdown(wait=True)

    def _redact(self, text):
        if not text or not self._token:
            return text
        return text.replace(self._token, "********")


def _page_parts(path, body):
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("items"), list)
        or not isinstance(body.get("metadata"), dict)
    ):
        raise EnclaveError(
            "GET {0} returned an unexpected body: expected a page with 'items' and 'metadata'.".format(path),
            method="GET",
            path=path,
        )
    return body["items"], body["metadata"]
