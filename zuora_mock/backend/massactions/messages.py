"""Every user-visible message of the mass actions, as named constants that tests compare exactly."""

from __future__ import annotations

# Upload errors (POST /v1/bulk): the request fails, no job is created.
MSG_MULTIPART_REQUIRED = "The request must be multipart/form-data with a 'file' part and a 'params' part."
MSG_FILE_REQUIRED = "The 'file' part is required: a .csv file or a .zip file holding one .csv file."
MSG_PARAMS_REQUIRED = "The 'params' part is required: a JSON object with an actionType."
MSG_PARAMS_MALFORMED = "'params' must be a JSON object: {detail}"
MSG_ACTION_TYPE_INVALID = (
    "Invalid actionType '{input}'. Valid values are UpdateAccountingCode, CreateRevenueSchedule, "
    "UpdateRevenueSchedule, DeleteRevenueSchedule, ImportFXRate and MPU."
)
MSG_CHECKSUM_FORMAT = "'checksum' must be a 32-character hexadecimal MD5 checksum."
MSG_CHECKSUM_MISMATCH = "The checksum '{given}' does not match the MD5 checksum of the uploaded file."
MSG_FILE_EMPTY = "The uploaded file is empty."
MSG_FILE_TOO_LARGE = "The uploaded file is {size} bytes; the maximum file size is {limit} bytes."
MSG_FILE_TYPE = "The file '{name}' is not supported: upload a .csv file or a .zip file holding one .csv file."
MSG_ZIP_INVALID = "The .zip file cannot be read."
MSG_ZIP_CSV_COUNT = "The .zip file must hold exactly one .csv file; it holds {count}."
MSG_ZIP_TOO_LARGE = "The .csv file inside the .zip file inflates beyond {limit} bytes."
MSG_CSV_CONTENT = "The file is not a CSV file: it must be UTF-8 text without NUL characters."
MSG_CSV_HEADER = "The CSV file has no header row."
MSG_CSV_HEADER_MALFORMED = "The header row of the CSV file is malformed: {detail}"
MSG_CSV_DUPLICATE_COLUMN = "The column '{column}' appears more than once in the header row."
MSG_CSV_MISSING_COLUMNS = "The file is missing the column(s) required for {action}: {columns}."

# Job errors (GET /v1/bulk/{key}, PUT /v1/bulk/{key}/stop, GET /v1/files/{id}).
MSG_NOT_FOUND = "Cannot find entity by key: '{key}'."
MSG_STOP_ENDED = (
    "The mass action cannot be stopped because its status is {status}; only Pending or Processing mass "
    "actions can be stopped."
)

# Admin (manual progression).
MSG_ADMIN_ENDED = "The mass action has already ended with status {status}."
MSG_ADMIN_ROWS = "'rows' must be an integer >= 0."

# Row errors: the Error Message column of the response file.
ROW_REQUIRED = "{column} is required."
ROW_TOO_LONG = "{column} must be at most {limit} characters."
ROW_DATE = "{column} must be a date in YYYY-MM-DD format, got '{value}'."
ROW_NUMBER = "{column} must be a number, got '{value}'."
ROW_NUMBER_TOO_LARGE = "{column} must have at most {digits} digits before the decimal point, got '{value}'."
ROW_POSITIVE = "{column} must be greater than 0."
ROW_FIELD_COUNT = "The row has {found} values but the header row has {expected} columns."
ROW_GROUP_SKIPPED = "A previous row with the same Group ID failed"
ROW_CLOSED_PERIOD = "{what} falls in the closed accounting period {period}."

RS_NOT_FOUND = "Revenue schedule '{key}' does not exist."
RS_NOT_CUSTOM = "Revenue schedule {key} does not use a custom unlimited recognition rule."
RS_LINKED = "Revenue schedule {key} is associated with {type} {transaction} and cannot be deleted."
RS_KEY_REQUIRED = "Subscription Charge Key is required when Linked Transaction Key is blank."
RS_CHARGE_NOT_FOUND = "Subscription charge '{key}' does not exist."
RS_CHARGE_RULE = "Subscription charge {key} does not use a custom unlimited revenue recognition rule."
RS_TYPE_REQUIRED = "Linked Transaction Type is required when Linked Transaction Key is specified."
RS_TYPE_INVALID = "Invalid Linked Transaction Type '{value}'. Valid values are {choices}."
TRANSACTION_NOT_FOUND = "{type} '{key}' does not exist."

AC_OBJECT_TYPE_INVALID = "Invalid Object Type '{value}'. Valid values are {choices}."
AC_NONE = "At least one accounting code column must have a value."
AC_NOT_FOUND = "Accounting code '{code}' does not exist in the chart of accounts."
AC_INACTIVE = "Accounting code '{code}' is not active."
AC_NOT_APPLICABLE = "{column} does not apply to the Object Type {type}."

FX_CURRENCY = "{column} '{value}' is not a supported currency."
FX_SAME_CURRENCY = "Currency (From) and Currency (To) must be different."

MPU_ACCOUNT_NOT_FOUND = "Billing account '{key}' does not exist."
MPU_PM_NOT_FOUND = "Payment method '{key}' does not exist."
MPU_PM_OTHER_ACCOUNT = "Payment method {key} does not belong to billing account {account}."
MPU_UNASSIGNED_INVOICE = "Payment Invoice must be blank when Billing Account ID is blank."
MPU_UNASSIGNED_PM = "A payment without a Billing Account ID needs an external payment method."
MPU_CURRENCY_MISMATCH = (
    "Currency {currency} does not match the currency {expected} of billing account {account}."
)
MPU_INVOICE_FORMAT = "Payment Invoice must look like INV-00000001:10.00|INV-00000002:5.00, got '{value}'."
MPU_INVOICE_NOT_FOUND = "Invoice '{key}' does not exist."
MPU_INVOICE_OTHER_ACCOUNT = "Invoice {key} does not belong to billing account {account}."
MPU_INVOICE_BALANCE = "The amount {amount} applied to invoice {key} exceeds its balance {balance}."
MPU_PAYMENT_TYPE = "Invalid Payment Type '{value}'. Valid values are External, Electronic."
MPU_GATEWAY_REQUIRED = "Gateway ID is required when Payment Type is Electronic."
MPU_ELECTRONIC_PM = "Payment method {key} is a {type} method; an Electronic payment needs an electronic one."
MPU_ELECTRONIC_ACCOUNT = "An Electronic payment needs a Billing Account ID."
MPU_APPLIED_EXCEEDS = "The amounts applied to invoices ({applied}) exceed the Payment Amount ({amount})."
