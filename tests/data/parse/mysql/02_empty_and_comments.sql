-- only comments
# hash comment ; here
/* block ; */

;;
