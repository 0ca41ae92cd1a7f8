# Placeholder: being written (the liaison's and justice office's pages).
def _todo(*args, **kwargs):
    raise NotImplementedError


worklog_list = worklog_confirm = worklog_dispute = worklog_verify = worklog_return = worklogs_verify = _todo
monthly_check = lecture_list = lecture_receive = incident_list = incident_detail = incident_acknowledge = _todo
