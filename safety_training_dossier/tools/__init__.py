"""Plain Python helpers without the ORM: unit-tested without a database."""
