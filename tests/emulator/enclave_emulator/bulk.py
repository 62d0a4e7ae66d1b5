"""Bodies of bulk calls such as ``{"systemIds": [...]}`` and ``{"keyIds": [...]}``."""

from __future__ import annotations

from .jsonbody import is_int32
from .problems import validation_problem

# The API accepts at most this many IDs in one bulk call (the server's HardLimits.MaxBulkIds).
MAX_BULK_IDS = 200


def read_bulk_ids(ctx, name, item_type, normalize=None):
    """Return the unique IDs listed in the body property ``name``, in the order sent.

    Each ID must be a string (``item_type`` str) or a 32-bit integer (``item_type`` int).
    NOTE: a missing list, a wrongly typed ID or more than 200 IDs gives a 400 validation problem. The
    API's response to more than 200 IDs is undocumented.
    """
    body = ctx.body()
    values = body.array(name)
    body.raise_if_invalid()
    field = body.field_name(name)
    if not isinstance(values, list):
        raise validation_problem({field: ["The {} field is required.".format(field)]})
    if len(values) > MAX_BULK_IDS:
        raise validation_problem(
            {field: [f"At most {MAX_BULK_IDS} IDs can be sent in one call; {len(values)} were sent."]}
        )

    ids = []
    errors = {}
    for index, value in enumerate(values):
        valid = isinstance(value, str) if item_type is str else is_int32(value)
        if not valid:
            expected = "System.String" if item_type is str else "System.Int32"
            errors[f"{field}[{index}]"] = [f"The JSON value could not be converted to {expected}."]
            continue
        value = normalize(value) if normalize else value
        if value not in ids:
            ids.append(value)
    if errors:
        raise validation_problem(errors)
    return ids
