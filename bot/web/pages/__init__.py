"""One module per page (or family of pages): each adds its routes and checks the viewer's
role first thing in every handler."""
