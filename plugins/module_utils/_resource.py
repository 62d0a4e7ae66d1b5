# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: the base class of the modules that manage one API object."""

from __future__ import annotations

from ._base import EnclaveModule
from ._diff import changed_fields_diff


class ResourceModule(EnclaveModule):
    """Delete one API object for state=absent and build the module result from its API model.

    Subclasses set result_key (the result's key for the object), convert_result (API model to the
    snake_case result), diff_view (API model to the fields diff mode shows) and, unless they
    override _absent, collection_path and id_field, which name the object's path.
    """

    result_key = None
    convert_result = None
    diff_view = None
    collection_path = ()
    id_field = "id"

    def _object_path(self, model):
        return self.client.org_path(*self.collection_path, model[self.id_field])

    def _absent(self, current):
        if current is None:
            return self._result(False, None, None)
        if not self.module.check_mode:
            self.client.delete(self._object_path(current))
        return self._result(True, current, None, returned=current)

    def _result(self, changed, before, after, returned=None):
        returned_model = after if returned is None else returned
        result = {"changed": changed, self.result_key: self.convert_result(returned_model) if returned_model else None}
        if self.module._diff:
            result["diff"] = self._diff(before, after)
        return result

    def _diff(self, before, after):
        return changed_fields_diff(self.diff_view(before), self.diff_view(after))
