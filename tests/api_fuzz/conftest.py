from schemathesis.pytest.plugin import SchemathesisFunction


def pytest_collection_modifyitems(items):
    """Give each operation's test a node id of its own, `test_as_the_shop[POST /api/v1/orders]`.

    Under pytest 9 Schemathesis' items all carry their function's id, and pytest-xdist (`make test`)
    then runs only the first operation of each function.
    """
    for item in items:
        if isinstance(item, SchemathesisFunction) and item.nodeid == str(item.parent.id.child(item.originalname)):
            item._id = item.parent.id.child(item.originalname).with_params(item.operation_label)
