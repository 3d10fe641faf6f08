"""Estimator signatures: a subclass writes only the parameters it adds.

scikit-learn reads an estimator's parameters from the signature of its
``__init__`` (``get_params``, ``clone``, ``repr`` and the estimator checks
all do), so every parameter must appear there as an explicit keyword. An
estimator that adds parameters to the base would have to repeat all of the
base's; instead it writes

.. code-block:: python

    @extends_signature(BaseAutoencoder)
    def __init__(self, latent_dim=None, *, noise="gaussian", **base_params):
        super().__init__(latent_dim, **base_params)
        self.noise = noise

and :func:`extends_signature` gives that ``__init__`` the whole explicit
signature at run time: the base's parameters, then its own. A parameter of
the base that the subclass lists again keeps its place and takes the
subclass's default; one it names in ``without`` is not its parameter (the
subclass's ``__init__`` then removes the attribute the base sets). A keyword
that is in neither fails with a ``TypeError`` naming the subclass.
"""

import functools
import inspect

__all__ = ["extends_signature"]


def extends_signature(base, without=()):
    """Decorate a subclass's ``__init__`` to declare ``base``'s parameters too.

    Parameters
    ----------
    base : type
        The estimator class whose ``__init__`` parameters come first.
    without : tuple of str, default=()
        Parameters of ``base`` the subclass does not have.

    Returns
    -------
    decorator : callable
        Sets ``__signature__`` on the decorated ``__init__`` and returns it.

    Examples
    --------
    >>> import inspect
    >>> from skae._signature import extends_signature
    >>> class Base:
    ...     def __init__(self, a=1, *, b=2):
    ...         self.a, self.b = a, b
    >>> class Child(Base):
    ...     @extends_signature(Base)
    ...     def __init__(self, a=1, *, c=3, **base_params):
    ...         super().__init__(a, **base_params)
    ...         self.c = c
    >>> str(inspect.signature(Child))
    '(a=1, *, b=2, c=3)'
    """

    def decorate(init):
        parameters = {}
        for source in (base.__init__, init):
            for name, parameter in inspect.signature(source).parameters.items():
                if parameter.kind is not parameter.VAR_KEYWORD and name not in without:
                    parameters[name] = parameter
        signature = inspect.Signature(list(parameters.values()))

        @functools.wraps(init)
        def checked_init(self, *args, **kwargs):
            try:
                signature.bind(self, *args, **kwargs)
            except TypeError as error:
                raise TypeError(f"{type(self).__name__}() {error}") from None
            init(self, *args, **kwargs)

        checked_init.__signature__ = signature
        return checked_init

    return decorate
