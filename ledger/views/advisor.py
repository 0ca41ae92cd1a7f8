# Placeholder: being written (the advisor's phone pages).
def _todo(*args, **kwargs):
    raise NotImplementedError


worklog_create = worklog_detail = worklog_edit = worklog_submit = worklog_add_photos = _todo
lecture_create = incident_create = worklog_photo = _todo
