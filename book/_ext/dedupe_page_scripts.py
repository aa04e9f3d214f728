"""Drop repeated <script> entries from each page.

In this Jupyter Book 1 build the inline scripts of sphinx-thebe and
sphinx-togglebutton reach every page twice (once registered with filename
None, once with ""), and browsers then stop on "Identifier 'THEBE_JS_URL' has
already been declared".  Keeping the first of identical entries changes
nothing else.
"""


def dedupe_scripts(context):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # Inline scripts come as filename None or "" depending on the path
        # that registered them.
        key = (getattr(script, "filename", script) or "", tuple(sorted(
            (k, str(v)) for k, v in getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique
