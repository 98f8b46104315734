def make_prompt(context):
    return "hi"
