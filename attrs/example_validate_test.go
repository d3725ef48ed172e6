package attrs_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/bsafe-go/bsafe/attrs"
)

// Validate reports every broken rule at once, naming the attribute and
// the value's index, never the value.
func ExampleValidate() {
	d := attrs.NewDefinition("EMPLOYEE-NUMBER", attrs.String)
	d.MaxValues = 2
	d.Format = "NNNN-NN-NN" // seed 003's example: a series of numbers

	err := attrs.Validate(context.Background(), d, []string{"1987-07-23", "1987/07/23", "2001-01-01"}, attrs.Env{})
	fmt.Println(err)
	fmt.Println("format broken:", errors.Is(err, attrs.RuleFormat))

	var verr *attrs.ValidationError
	if errors.As(err, &verr) {
		for _, v := range verr.Violations {
			fmt.Printf("%s at %d\n", v.Rule.String(), v.Index)
		}
	}
	// Output:
	// attrs: attribute "EMPLOYEE-NUMBER": 2 violations: has 3 values, more than the maximum 2; value [1]: does not match the format requirement
	// format broken: true
	// Maximum allowed number of values at -1
	// Format requirement of input values at 1
}
