"""Every model imported once, so the metadata is complete (Alembic, tests)."""
from app.applications import models as _applications  # noqa: F401
from app.audit import models as _audit  # noqa: F401
from app.authorizations import models as _authorizations  # noqa: F401
from app.checks import models as _checks  # noqa: F401
from app.datasources import models as _datasources  # noqa: F401
from app.db import Base
from app.documents import models as _documents  # noqa: F401
from app.identity import models as _identity  # noqa: F401
from app.notifications import models as _notifications  # noqa: F401
from app.regions import models as _regions  # noqa: F401
from app.review import models as _review  # noqa: F401
from app.verification import models as _verification  # noqa: F401
from app.web import models as _web  # noqa: F401

metadata = Base.metadata
