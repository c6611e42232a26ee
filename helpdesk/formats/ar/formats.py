# Gulf shops write amounts as 42.00, not Django's default Arabic 42,00.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
