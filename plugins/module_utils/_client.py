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
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

from ._errors import EnclaveError, ProblemDetailsError
from ._retry import (
    DEFAULT_RETRIES,
    DEFAULT_RETRY_BASE_DELAY,
    DEFAULT_RETRY_MAX_DELAY,
    GATEWAY_STATUSES,
    IDEMPOTENT_METHODS,
    MAX_RETRIES,
    RETRYABLE_STATUSES,
    RetryPolicy,
    parse_retry_after,
)
from ._version import COLLECTION_NAME, COLLECTION_VERSION

try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

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
# Enrolment key secrets look like XXXXX-XXXXX-XXXXX-XXXXX-XXXXX; error bodies that quote a key
# (a create response cut short, for example) must not put the secret into a task's message.
_ENROLMENT_KEY_SECRET = re.compile(r"\b[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){4}\b")
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
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise EnclaveError("api_url '{0}' is invalid: {1}.".format(value, error)) from None
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
        retries=DEFAULT_RETRIES,
        retry_max_delay=DEFAULT_RETRY_MAX_DELAY,
        retry_base_delay=DEFAULT_RETRY_BASE_DELAY,
        log=None,
    ):
        """Check the options and open the session; nothing is sent until the first request.

        log, when given, is called with one line of text per retry: the method, path, failure and
        delay, never the token. Modules collect the lines, and the inventory plugin can pass display.vvv.
        """
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
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= MAX_RETRIES:
            raise EnclaveError(
                "retries '{0}' is invalid: expected a whole number from 0 to {1}.".format(retries, MAX_RETRIES)
            )
        if retry_max_delay is None or retry_max_delay < 0:
            raise EnclaveError(
                "retry_max_delay '{0}' is invalid: expected a number of seconds, 0 or more.".format(retry_max_delay)
            )

        self.api_url = normalise_api_url(api_url)
        self.timeout = timeout
        self.retry_policy = RetryPolicy(retries, retry_max_delay, retry_base_delay)
        self._log = log
        # Tests replace this to record the delays without waiting.
        self._sleep = time.sleep
        self._token = api_token
        self._organisation_id = normalise_organisation_id(organisation_id) if organisation_id else None

        self._session = requests.Session()
        self._session.headers.update({"User-Agent": user_agent(), "Accept": "application/json"})
        # Set as the session's auth, not a plain header: requests replaces the Authorization header
        # with ~/.netrc credentials for the API host when a session has no auth of its own.
        self._session.auth = _BearerAuth(api_token)
        # requests' default adapter keeps at most 10 idle connections per host, so fetch_all's workers
        # beyond 10 would discard connections and open new ones. This pool keeps one per worker.
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=MAX_PAGE_WORKERS)
        self._session.mount(self.api_url + "/", adapter)
        # verify goes with every request: requests lets REQUESTS_CA_BUNDLE override a Session's verify,
        # which would silently replace ca_path.
        self._verify = True
        if not validate_certs:
            self._verify = False
        elif ca_path:
            self._verify = ca_path

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

    def post(self, path, body=None, find_created=None):
        """Send POST, which creates an object and so is not safe to repeat blindly.

        find_created, when given, is called without arguments after a failure that leaves unknown
        whether the API created the object: a read timeout, a connection lost after the request was
        sent, or HTTP 502, 503 or 504. It returns the object that attempt created, in the form the
        POST returns, or None when there is none; only then is the POST sent again. Without it, such a
        failure is raised at once. Failures before the request reached the API, and HTTP 429, are
        retried either way.
        """
        return self.request("POST", path, body=body, find_created=find_created)

    def put(self, path, body=None):
        return self.request("PUT", path, body=body)

    def patch(self, path, body=None):
        return self.request("PATCH", path, body=body)

    def delete(self, path, body=None):
        """Send DELETE, with a JSON body for the bulk routes that take a list of ids."""
        return self.request("DELETE", path, body=body)

    def request(self, method, path, params=None, body=None, find_created=None):
        """Send a request, repeating it after transient failures, and return its decoded JSON body.

        Returns None for an empty body. HTTP 429, 502, 503 and 504, lost connections and read
        timeouts are retried up to retry_policy.retries times, waiting as long as Retry-After requests or with
        exponential backoff. A POST after an ambiguous failure is handled as post() describes.
        Raises ProblemDetailsError for an HTTP error status and EnclaveError for a transport failure
        or a success response whose body is not JSON; both carry the number of attempts made.
        """
        url = self.api_url + path
        kwargs = {"params": params, "timeout": self.timeout, "verify": self._verify}
        if body is not None:
            # json= sets Content-Type: application/json, for DELETE bodies too.
            kwargs["json"] = body
        policy = self.retry_policy
        attempt = 0
        while True:
            attempt += 1
            response = failure = None
            try:
                response = self._session.request(method, url, **kwargs)
            except requests.exceptions.RequestException as exception:
                failure = exception

            if failure is not None:
                sent = _request_was_sent(failure)
                if sent is None:
                    # TLS and request-building errors come out the same on every attempt.
                    raise self._transport_error(method, path, failure, attempt)
                cause = _transport_cause(failure, self.timeout)
                delay = policy.backoff(attempt)
            elif response.status_code in RETRYABLE_STATUSES:
                sent = response.status_code in GATEWAY_STATUSES
                cause = "HTTP {0}".format(response.status_code)
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                delay = policy.delay_after_status(attempt, retry_after)
                if delay is None:
                    raise _with_sentence(
                        self._status_error(method, path, response, attempt),
                        "The API asked to wait {0:g} seconds before retrying, longer than retry_max_delay "
                        "({1:g}); raise retry_max_delay to wait that long.".format(retry_after, policy.max_delay),
                    )
            else:
                return self._decode(method, path, response, attempt)

            if attempt >= policy.max_attempts:
                raise self._final_error(method, path, response, failure, attempt)
            if sent and method not in IDEMPOTENT_METHODS:
                found = self._recover_created(method, path, response, failure, attempt, cause, delay, find_created)
                if found is not None:
                    return found
                continue
            self._note(
                "{0} {1} failed with {2} on attempt {3} of {4}; retrying in {5:.1f} seconds.".format(
                    method, path, cause, attempt, policy.max_attempts, delay
                )
            )
            self._sleep(delay)

    def _recover_created(self, method, path, response, failure, attempt, cause, delay, find_created):
        """Wait, then return what find_created finds after an ambiguous create, or None to send it again."""
        if find_created is None:
            raise _with_sentence(
                self._final_error(method, path, response, failure, attempt),
                "The API may have acted on the request before the failure, so it was not sent again; "
                "check whether the object exists before running the task again.",
            )
        self._note(
            "{0} {1} failed with {2} on attempt {3} of {4} after the request was sent; looking for the "
            "created object in {5:.1f} seconds before sending it again.".format(
                method, path, cause, attempt, self.retry_policy.max_attempts, delay
            )
        )
        self._sleep(delay)
        try:
            found = find_created()
        except EnclaveError as error:
            raise EnclaveError(
                "{0} {1} failed with {2} after the request was sent, and looking for the object it may have "
                "created failed too: {3}".format(method, path, cause, error),
                method=method,
                path=path,
                attempts=attempt,
            ) from None
        if found is not None:
            self._note(
                "{0} {1}: found the object the failed attempt created; not sending it again.".format(method, path)
            )
        return found

    def _final_error(self, method, path, response, failure, attempts):
        if failure is not None:
            return self._transport_error(method, path, failure, attempts)
        return self._status_error(method, path, response, attempts)

    def _status_error(self, method, path, response, attempts):
        return ProblemDetailsError.from_response(
            method,
            path,
            response.status_code,
            response.headers.get("Content-Type"),
            self._redact(response.text),
            attempts=attempts,
        )

    def _transport_error(self, method, path, failure, attempts):
        """Build the EnclaveError for a request that got no usable response."""
        if isinstance(failure, requests.exceptions.SSLError):
            message = (
                "{0} {1} failed: TLS verification of {2} failed ({3}). Give the CA bundle in ca_path, "
                "or set validate_certs to false for a test server.".format(method, path, self.api_url, failure)
            )
        elif isinstance(failure, requests.exceptions.Timeout):
            message = "{0} {1} timed out after {2} seconds; raise timeout or check the network to {3}.".format(
                method, path, self.timeout, self.api_url
            )
        elif _request_was_sent(failure):
            message = "{0} {1} failed: the connection to {2} broke after the request was sent ({3}).".format(
                method, path, self.api_url, type(failure).__name__ + ": " + str(failure)
            )
        else:
            message = "{0} {1} failed: could not reach {2} ({3}).".format(
                method, path, self.api_url, type(failure).__name__ + ": " + str(failure)
            )
        if attempts > 1:
            message += " Gave up after {0} attempts.".format(attempts)
        return EnclaveError(self._redact(message), method=method, path=path, attempts=attempts)

    def _note(self, line):
        if self._log is not None:
            self._log(self._redact(line))

    def _decode(self, method, path, response, attempts=1):
        if response.status_code >= 400:
            raise self._status_error(method, path, response, attempts)
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
        between pages. Callers that need unique items must drop repeats themselves.
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
        """Mask the token and any enrolment key secret in text that goes into a message or log line."""
        if not text:
            return text
        if self._token:
            text = text.replace(self._token, "********")
        return _ENROLMENT_KEY_SECRET.sub("*****-*****-*****-*****-*****", text)


class _BearerAuth:
    """Authorization for requests: sets the bearer token header on each prepared request."""

    def __init__(self, token):
        self._token = token

    def __call__(self, request):
        request.headers["Authorization"] = "Bearer " + self._token
        return request


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


def _request_was_sent(failure):
    """Return whether a failed request may have reached the API.

    False when no connection was made, True when the connection broke or timed out after the
    request went out, and None for a failure that no repeat can fix (TLS, an invalid URL).
    """
    if isinstance(failure, requests.exceptions.SSLError):
        return None
    if isinstance(failure, requests.exceptions.ConnectTimeout):
        return False
    if isinstance(failure, (requests.exceptions.ReadTimeout, requests.exceptions.ChunkedEncodingError)):
        return True
    if isinstance(failure, requests.exceptions.ConnectionError):
        # requests wraps urllib3's MaxRetryError, whose reason is the error that ended the attempt.
        reason = failure.args[0] if failure.args else None
        reason = getattr(reason, "reason", reason)
        return not isinstance(reason, (NewConnectionError, ConnectTimeoutError))
    return None


def _transport_cause(failure, timeout):
    """Describe a transport failure in a few words, for the retry log."""
    if isinstance(failure, requests.exceptions.ConnectTimeout):
        return "a connection timeout"
    if isinstance(failure, requests.exceptions.ReadTimeout):
        return "no response within {0:g} seconds".format(timeout)
    if isinstance(failure, requests.exceptions.ChunkedEncodingError):
        return "a connection broken while reading the response"
    if _request_was_sent(failure):
        return "a connection lost after the request was sent"
    return "a connection failure"


def _with_sentence(error, sentence):
    """Append a sentence to an EnclaveError's message and return the error."""
    error.message = error.message + " " + sentence
    error.args = (error.message,)
    return error
