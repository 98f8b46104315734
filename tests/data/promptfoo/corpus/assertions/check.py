def check_count(output, context):
    return "3" in output
