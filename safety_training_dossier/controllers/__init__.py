from . import portal, sign_in
