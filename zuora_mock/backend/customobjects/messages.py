"""Codes and user-visible messages of the custom-objects service; tests compare them exactly."""

from __future__ import annotations

from typing import Any, NamedTuple

# 8-digit codes: resource 710125 + Zuora's category (docs section 8.3).
CODE_INVALID = 71012520
CODE_UNKNOWN_FIELD = 71012521
CODE_MISSING = 71012522
CODE_TYPE = 71012524
CODE_LIMIT = 71012530
CODE_NOT_FOUND = 71012540
# A batch record's details[] code must be in the spec's enum for CustomObjectRecordsWithError (71012520-26,
# 71012530), which has no not-found code: an Id naming no record is an invalid value there.
CODE_BATCH_RECORD_UNKNOWN = CODE_INVALID
CODE_MALFORMED = 71012590

MAX_RECORDS_PER_CALL = 1000


class Failure(NamedTuple):
    """Why a record was refused: one of the codes above and its message, as a `details` entry shows them."""

    code: int
    message: str


# Top-level messages of record writes (the create and update ones are documented, "Unabled" included).
MSG_CREATE_INVALID = "Request contains invalid record that failed validation against the object schema."
MSG_UPDATE_INVALID = "Unabled to update object records due to invalid request."
MSG_DELETE_INVALID = "Unabled to delete object records due to invalid request."

# Record-level messages (the empty-string and type ones are documented; the others follow the json-schema
# validator wording Zuora's messages show).
MSG_EMPTY_STRING = "Field [{field}] cannot accept empty string."
MSG_WRONG_TYPE = (
    "Json input does not match schema. Error: Field [{field}] should be {expected} type "
    "but received {actual}."
)
MSG_TOO_LONG = (
    'Json input does not match schema. Error(s): string "{value}" is too long '
    "(length: {length}, maximum allowed: {maximum})"
)
MSG_NOT_IN_ENUM = (
    'Json input does not match schema. Error(s): instance value ("{value}") not found in enum '
    "(possible values: {allowed})"
)
MSG_BAD_DATE = (
    'Json input does not match schema. Error(s): string "{value}" is invalid against requested '
    "date format(s) [{pattern}]"
)
MSG_BAD_UUID = 'Json input does not match schema. Error(s): string "{value}" is not a valid UUID'
MSG_NUMBER_DIGITS = "Field [{field}] allows at most 13 digits before and 9 digits after the decimal point."
MSG_BELOW_MINIMUM = (
    "Json input does not match schema. Error(s): numeric instance is lower than the required minimum "
    "(minimum: {bound}, found: {value})"
)
MSG_ABOVE_MAXIMUM = (
    "Json input does not match schema. Error(s): numeric instance is greater than the required "
    "maximum (maximum: {bound}, found: {value})"
)
MSG_UNKNOWN_FIELD = (
    "Json input does not match schema. Error(s): object instance has properties which are not "
    'allowed by the schema: ["{field}"]'
)
MSG_MISSING_REQUIRED = (
    "Json input does not match schema. Error(s): object has missing required properties ({fields})"
)
MSG_REQUIRED_NULL = "Field [{field}] is required and cannot be null."
MSG_NOT_UNIQUE = 'Field [{field}] must be unique, but the value "{value}" is already used by another record.'
MSG_BROKEN_RELATIONSHIP = (
    "Field [{field}] refers to a {namespace}.{object} record that does not exist: {value}"
)
MSG_RECORD_NOT_OBJECT = "Each record must be a JSON object."
MSG_RECORD_NOT_FOUND = "Object record does not exist."
MSG_BAD_RECORD_ID = "Invalid record Id [{id}]: an Id must be a string of 36 characters."

# Request envelopes.
MSG_OBJECT_NOT_FOUND = "Custom object [{object}] does not exist."
MSG_DEFINITION_NOT_FOUND = "Resource Request-URI not found."
MSG_TOO_MANY_RECORDS = "The maximum number of records in one request is 1000; the request has {count}."
MSG_TOO_MANY_IDS = "The maximum number of ids in one delete request is 1000; the request has {count}."
MSG_ACTION_REQUIRED = "'action' is required."
MSG_ACTION_NOT_OBJECT = "'action' must be a JSON object."
MSG_ACTION_TYPE_REQUIRED = "'action.type' is required."
MSG_ACTION_TYPE_INVALID = "'action.type' must be one of update, delete; got {value}."
MSG_ACTION_UNKNOWN = "Unknown field 'action.{field}'."
MSG_BODY_UNKNOWN = "Unknown field '{field}'."
MSG_UPDATE_NEEDS_RECORDS = "'action.records' is required when 'action.type' is update."
MSG_UPDATE_WITH_IDS = "'action.ids' is only applicable when 'action.type' is delete."
MSG_DELETE_NEEDS_IDS = "'action.ids' is required when 'action.type' is delete."
MSG_DELETE_WITH_RECORDS = "'action.records' is only applicable when 'action.type' is update."
MSG_RECORDS_MAP = "'action.records' must be a JSON object mapping record Ids to the fields to update."
MSG_IDS_LIST = "'action.ids' must be a list of record Id strings."
MSG_PARTIAL_BOOL = "'{field}' must be a boolean."
MSG_CREATE_RECORDS_REQUIRED = "'records' is required."
MSG_CREATE_RECORDS_LIST = "'records' must be a list of record objects."
MSG_PATH_ID = "Invalid record Id [{id}]: an Id must be a string of 36 characters."
MSG_PAGE_SIZE = "'pageSize' must be an integer from 1 to 1000; got {value}."
MSG_PAGE = "'page' must be an integer of at least 1; got {value}."
MSG_CURSOR = "'cursor' must be the Id of a record of this object; got {value}."
MSG_SELECT = "'select' only accepts the value type; got {value}."
MSG_PRECONDITION = "The If-Match header does not match the current ETag of the record."
MSG_RECORD_BODY = "The request body must be a JSON object of record fields."

# Definitions (create request); names from the request are cut to 100 characters by format_message.
MSG_DEFINITIONS_REQUIRED = (
    "'definitions' is required and must be a JSON object of definitions keyed by API name."
)
MSG_DEFINITIONS_EMPTY = "'definitions' must contain at least one definition."
MSG_DEFINITION_NOT_OBJECT = "Definition [{object}] must be a JSON object."
MSG_DEF_REQUIRED = "Definition [{object}]: '{key}' is required."
MSG_DEF_UNKNOWN = "Definition [{object}]: unknown field '{key}'."
MSG_DEF_STRING = "Definition [{object}]: '{key}' must be a non-empty string of at most {limit} characters."
MSG_DEF_BOOL = "Definition [{object}]: '{key}' must be a boolean."
MSG_DEF_PROPERTIES = "Definition [{object}]: 'properties' must be a JSON object of fields keyed by API name."
MSG_DEF_NAME = (
    "Definition [{object}]: the API name must start with a letter, contain only letters, digits and "
    "underscores, and be at most 64 characters."
)
MSG_DEF_KEY_MISMATCH = "Definition key [{key}] does not match its 'object' value [{object}]."
MSG_DEF_EXISTS = "Custom object definition [{object}] already exists."
MSG_DEF_LIST = "Definition [{object}]: '{key}' must be a list of field names."
MSG_DEF_LIST_FIELD = (
    "Definition [{object}]: '{key}' names [{field}], which is not a custom field of the object."
)
MSG_DEF_TOO_MANY = "Definition [{object}]: at most {limit} {what} are allowed; got {count}."
MSG_FIELD_NAME = (
    "Definition [{object}]: field [{field}]: a field API name must start with a letter, contain only "
    "letters, digits and underscores, and be at most 64 characters."
)
MSG_FIELD_NOT_OBJECT = "Definition [{object}]: field [{field}] must be a JSON object."
MSG_FIELD_REQUIRED = "Definition [{object}]: field [{field}]: '{key}' is required."
MSG_FIELD_UNKNOWN = "Definition [{object}]: field [{field}]: unknown attribute '{key}'."
MSG_FIELD_SYSTEM = "Definition [{object}]: field [{field}] is a system field and cannot be defined."
MSG_FIELD_TYPE = (
    "Definition [{object}]: field [{field}]: 'type' must be one of string, integer, number, boolean."
)
MSG_FIELD_FORMAT = (
    "Definition [{object}]: field [{field}]: 'format' must be one of date, date-time, uuid, url."
)
MSG_FIELD_ATTRIBUTE = (
    "Definition [{object}]: field [{field}]: '{key}' does not apply to a field of type {type}."
)
MSG_FIELD_LABEL = (
    "Definition [{object}]: field [{field}]: '{key}' must be a non-empty string of at most {limit} "
    "characters."
)
MSG_FIELD_MAX_LENGTH = (
    "Definition [{object}]: field [{field}]: 'maxLength' must be an integer from 1 to {limit}."
)
MSG_FIELD_ENUM = (
    "Definition [{object}]: field [{field}]: 'enum' must be a list of 1 to 250 distinct non-empty strings."
)
MSG_FIELD_MULTISELECT = (
    "Definition [{object}]: field [{field}]: 'multiselect' needs an 'enum' and must be a boolean."
)
MSG_FIELD_BOUND = "Definition [{object}]: field [{field}]: '{key}' must be a number."
MSG_FIELD_DEFAULT = (
    "Definition [{object}]: field [{field}]: 'default' is not a valid value of the field: {problem}"
)
MSG_UNIQUE_TYPE = "Definition [{object}]: unique field [{field}] must be a text or number field."
MSG_REL_NOT_OBJECT = "Definition [{object}]: each relationship must be a JSON object."
MSG_REL_UNKNOWN = "Definition [{object}]: relationship: unknown field '{key}'."
MSG_REL_REQUIRED = "Definition [{object}]: relationship: '{key}' is required."
MSG_REL_CARDINALITY = "Definition [{object}]: relationship 'cardinality' must be manyToOne or oneToMany."
MSG_REL_NAMESPACE = "Definition [{object}]: relationship 'namespace' must be default or com_zuora."
MSG_REL_TARGET = "Definition [{object}]: relationship to custom object [{target}], which does not exist."
MSG_REL_FIELDS = (
    "Definition [{object}]: relationship 'fields' must map exactly one field of this object to the "
    'related object\'s Id, e.g. {{"Account__c": "Id"}}.'
)
MSG_REL_LOCAL = "Definition [{object}]: relationship field [{field}] is not a custom field of the object."
MSG_REL_LOCAL_TYPE = "Definition [{object}]: relationship field [{field}] must be a text field."
MSG_REL_ENFORCE = "Definition [{object}]: 'recordConstraints.create.enforceValidMapping' must be a boolean."


def format_message(template: str, **values: Any) -> str:
    """Format a message with values cut to a readable length (names in messages come from the request)."""
    return template.format(**{k: (v[:100] if isinstance(v, str) else v) for k, v in values.items()})
