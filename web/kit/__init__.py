"""What every workspace shares and none owns; no routes here.

- deps: the engine context and the signed-in user of a request, login_required, the page number;
- errors: domain and HTTP errors as Chinese pages with a request id (registered on the app);
- filters: the template filters (China time, Chinese labels);
- forms_render: a form definition as fields to draw, and a posted form back as data;
- redirects: the `next` of a sign-in as a path on this site or nothing;
- routing: the `<id:…>` converter of every route;
- case_search: the case search form shared by /cases and /audit;
- csv_export: CSV files spreadsheet programs read and never evaluate;
- diagram: BPMN diagrams drawn as SVG; case_diagram: a case's diagram ready for a page.
"""
