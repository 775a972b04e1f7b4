"""The ledger's read side: every figure defined once, every shape built once.

web, io and cli only present what these modules return; none of them queries the
database or applies a rule of its own.

=============  ================================================================
``asof``       ``AsOf``: the day a view is measured at and the moment it reads at
``rows``       ``TaskRow``, ``TargetRow``, ``PlanView``: a plan as people read it
``compute``    ``plan_view``: a plan's rows with progress, expected, health
``figures``    ``plan_figures``: overall, by category, by unit, needing attention
``timeline``   ``timeline``: where the plan stood at each round
``listing``    ``list_tasks``: the ledger list, filtered, sorted and paged
``detail``     ``task_detail``, ``task_history``: a task's page
``reports``    a task's or round's reports, the review queue
``bulletin``   ``bulletin_figures``: a 督查通报's numbers
``opendata``   ``open_data``: what open data is written from
``catalog``    plans to choose from, units, a document with its spans
``values``     the latest reported value of each target
``visibility`` ``Viewer``: who may see which tasks and reports, who may report
``audit_trail`` the whole audit trail, newest first, keyset-paged; its chain check
``records``    the JSON shape of task, target, document, report, user, figures
=============  ================================================================
"""
